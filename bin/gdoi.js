#!/usr/bin/env node
// Runs bin/gdoi.ts through tsx (no build step). The import is dynamic so that it happens after
// the loader is registered.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./gdoi.ts', import.meta.url).href);
