#!/usr/bin/env node
// The `c360` command. Runs the compiled CLI; `npm install` (its `prepare` step) builds it.
import '../dist/src/cli/c360.js';
