#!/usr/bin/env node
// Launcher: registers tsx's TypeScript loader, then runs the CLI.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli.ts');
