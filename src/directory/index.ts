import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Directory } from './directory';
import { JsonFileDirectory, SAMPLE_DIRECTORY_FILE } from './jsonFileDirectory';

export * from './directory';
// The Graph adapter (and the Azure and Graph client libraries under it) loads only when configured.
export type { GraphDirectory, CompromisedSource, GraphDirectoryOptions } from './graphDirectory';
export { DirectoryFileError, JsonFileDirectory, SAMPLE_DIRECTORY_FILE } from './jsonFileDirectory';

/**
 * Builds the configured directory: Microsoft Graph when the GRAPH_* variables are set, else the
 * JSON file in `DIRECTORY_FILE`, else the shipped sample.
 * @throws DirectoryFileError when the JSON file is missing or invalid
 */
export async function createDirectory(config: Config, logger: Logger): Promise<Directory> {
  const graph = config.directory.graph;
  if (graph) {
    logger.info({ tenantId: graph.tenantId }, 'Directory: Microsoft Graph');
    const { GraphDirectory } = await import('./graphDirectory');
    return GraphDirectory.fromClientSecret(graph, logger);
  }
  const file = config.directory.file ?? SAMPLE_DIRECTORY_FILE;
  const directory = await JsonFileDirectory.load(file);
  logger.info({ file, people: directory.people.length }, 'Directory: JSON file');
  return directory;
}
