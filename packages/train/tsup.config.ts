import { packageBuild } from '../../tsup.shared';

export default packageBuild({ index: 'src/index.ts', 'pipeline-worker': 'src/pipeline/worker.ts' });
