import { packageBuild } from '../../tsup.shared';

export default packageBuild({ node: 'src/node.ts', browser: 'src/browser.ts' }, { shims: true });
