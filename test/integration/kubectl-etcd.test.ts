// The real kubectl against kubesvc on etcd (a throwaway /usr/bin/etcd on loopback).
import { kubectlSuite } from '../support/kubectl-suite.js';
import { etcdBackend } from '../support/backends.js';

kubectlSuite('etcd', etcdBackend);
