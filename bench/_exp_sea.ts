import { injectSeaBlob, makeSeaBlob } from '../provider/protocol/packaging/sea';
async function main() {
  const [bundle, node, out, snap] = process.argv.slice(2) as [string, string, string, string?];
  const blob = await makeSeaBlob({ bundleFile: bundle, blobNode: node });
  await injectSeaBlob({ targetNode: node, blob, outFile: out });
  console.log(out, snap ?? '');
}
void main();
