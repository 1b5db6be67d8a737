// The real kubectl against kubesvc on the default embedded SQLite datastore.
import { kubectlSuite } from '../support/kubectl-suite.js';
import { sqliteBackend } from '../support/backends.js';

kubectlSuite('sqlite', sqliteBackend);
