// Writes schema/train-config.schema.json from the zod schema: pnpm --filter @instr/train gen:schema
import { writeFileSync } from 'node:fs';
import { trainConfigJsonSchema } from '../src/config/schema.js';

writeFileSync(
  new URL('../schema/train-config.schema.json', import.meta.url),
  `${JSON.stringify(trainConfigJsonSchema(), null, 2)}\n`,
);
