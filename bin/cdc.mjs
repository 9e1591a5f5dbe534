#!/usr/bin/env node
// Launcher: runs the TypeScript CLI through tsx's loader.
import { register } from 'node:module';
register('tsx/esm', import.meta.url);
await import('../src/cli.ts');
