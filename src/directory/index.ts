import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Directory } from './directory';
import { GraphDirectory } from './graphDirectory';
import { JsonFileDirectory, SAMPLE_DIRECTORY_FILE } from './jsonFileDirectory';

export * from './directory';
export { GraphDirectory, GRAPH_BASE_URL, GRAPH_SCOPE, odataString, toE164, type CompromisedSource, type GraphDirectoryOptions } from './graphDirectory';
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
    return GraphDirectory.fromClientSecret(graph, logger);
  }
  const file = config.directory.file ?? SAMPLE_DIRECTORY_FILE;
  const directory = await JsonFileDirectory.load(file);
  logger.info({ file, people: directory.people.length }, 'Directory: JSON file');
  return directory;
}
