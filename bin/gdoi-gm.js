#!/usr/bin/env node
// Runs gm/main.ts through tsx (no build step); the import is dynamic so the loader is registered first.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../gm/main.ts', import.meta.url).href);
