#!/usr/bin/env node
// Runs the CLI from src/ (oclif registers tsx in development mode), so no build is needed.
import {execute} from '@oclif/core'

await execute({development: true, dir: import.meta.url})
