/** A cluster worker process for tests: the real server runner with the echo bot's node types. */
import { runServer } from '../../../../server/process/runServer.ts';
import { echoRegistry } from '../../helpers/echoBotNodes.ts';

await runServer(echoRegistry());
