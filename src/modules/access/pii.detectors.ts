/**
 * Recognisers of personal values wherever they appear (a trait under any key, an event
 * property, an opaque id that is really an e-mail address). Pure functions, no I/O.
 */

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const EMAIL_INSIDE = /[^\s@<>"']+@[^\s@<>"']+\.[a-z]{2,}/i;
// Seven or more digits with the usual separators, optionally international: a phone number.
const PHONE = /^\+?[\d\s().-]{7,24}$/;
const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}$/i;

/** The kind of personal value `text` is, or null when none is recognised. */
export function detectPersonal(text: string): 'email' | 'phone' | 'card' | 'iban' | 'ip' | null {
  const value = text.trim();
  if (EMAIL.test(value) || EMAIL_INSIDE.test(value)) {
    return 'email';
  }
  const compact = value.replace(/[\s-]/g, '');
  if (/^\d{12,19}$/.test(compact) && luhn(compact)) {
    return 'card';
  }
  if (IBAN.test(compact.toUpperCase()) && ibanChecksum(compact.toUpperCase())) {
    return 'iban';
  }
  if (IPV4.test(value) || (value.includes(':') && IPV6.test(value))) {
    return 'ip';
  }
  if (looksLikePhone(value)) {
    return 'phone';
  }
  return null;
}

/** Seven or more digits, optionally grouped or international; not a date or a decimal. */
function looksLikePhone(value: string): boolean {
  return (
    PHONE.test(value) &&
    value.replace(/\D/g, '').length >= 7 &&
    !/^\d{4}-\d{2}-\d{2}/.test(value) &&
    !/^\d+\.\d+$/.test(value)
  );
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) {
        digit -= 9;
      }
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** ISO 13616 mod-97 check. */
function ibanChecksum(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char >= 'A' && char <= 'Z' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of code) {
      remainder = (remainder * 10 + Number(digit)) % 97;
    }
  }
  return remainder === 1;
}
