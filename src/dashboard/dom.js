// Small DOM helpers. Text always goes in as text (never as HTML): customer names and segment
// descriptions come from the API and must not become markup.
/* global document */

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Creates an element. `props.text` sets its text, `props.class` its classes, any other entry an
 * attribute (skipped when null or undefined); children are appended in order.
 */
export function el(tag, props = {}, children = []) {
  return build(document.createElement(tag), props, children);
}

/** As {@link el}, in the SVG namespace. */
export function svg(tag, props = {}, children = []) {
  return build(document.createElementNS(SVG_NS, tag), props, children);
}

function build(node, props, children) {
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined) {
      continue;
    }
    if (name === 'text') {
      node.textContent = String(value);
    } else if (name === 'class') {
      node.setAttribute('class', value);
    } else {
      node.setAttribute(name, String(value));
    }
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(child);
    }
  }
  return node;
}
