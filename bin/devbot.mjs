#!/usr/bin/env node
// Registers tsx's loader inside this same process and runs the TypeScript entry point,
// so signals sent to this PID reach devbot itself (no wrapper process to orphan).
import { register } from 'tsx/esm/api';
register();
await import('../src/main.ts');
