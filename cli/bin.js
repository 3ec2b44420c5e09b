#!/usr/bin/env node
// Node 24 runs the TypeScript sources directly (type stripping); this file only gives npm a JavaScript bin.
import './failurelib.ts';
