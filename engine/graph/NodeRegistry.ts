import { z } from 'zod';
import type { Clock } from '../core/Clock.ts';
import type { ConversationContext } from '../core/ConversationContext.ts';
import type { FrameProcessor } from '../core/FrameProcessor.ts';
import type { Logger } from '../core/Logger.ts';
import type { Tool } from '../tools/Tool.ts';
import {
  type AllowedEndpoints,
  allowedEndpoints,
  type EndpointDeclaration,
  resolveEndpoint,
} from './EndpointPolicy.ts';
import { MissingCredentialError } from './NodeEnvironmentError.ts';
import type { LatencyDeclaration } from './NodeLatency.ts';
import type { FrameTypeList, NodeCategory, NodeTypeInfo } from './NodeTypeInfo.ts';
import type { ConfigIssue, NodeCatalogue } from './validateGraph.ts';

/** Session-scoped services every node can use. */
export interface SessionServices {
  sessionId: string;
  clock: Clock;
  logger: Logger;
  conversation: ConversationContext;
}

/** What a node takes from the server's environment, checked (see `NodeRegistry.resolveEnvironment`). */
export interface NodeEnvironment {
  /** The node's declared credentials, read from the server's environment. */
  credentials: Record<string, string>;
  /**
   * For a type that declares `endpoint`: the base URL its credentials may go
   * to, already checked against the server's policy. The node dials this, not
   * its config value.
   */
  endpoint?: string;
}

export interface NodeCreateContext extends NodeEnvironment {
  nodeId: string;
  session: SessionServices;
}

interface NodeTypeBase<S extends z.ZodObject> {
  type: string;
  category: NodeCategory;
  title: string;
  description: string;
  config: S;
  credentials?: readonly string[];
  /**
   * Where the credentials go, when a config key chooses it: a type that sends
   * its keys to a configurable URL must declare it, so the server (not the
   * graph) decides which hosts receive them. See EndpointPolicy.
   */
  endpoint?: EndpointDeclaration<keyof z.output<S> & string>;
  liveKeys?: ReadonlyArray<keyof z.output<S> & string>;
  /**
   * The hops this node adds between the end of the user's speech and the
   * bot's first audio, for the editor's static estimate. `[]`: nothing
   * measurable (a pass-through). Figures must say where they come from.
   */
  latency?: LatencyDeclaration<keyof z.output<S> & string>;
}

export interface ProcessorNodeType<S extends z.ZodObject = z.ZodObject> extends NodeTypeBase<S> {
  kind: 'processor';
  consumes: FrameTypeList;
  produces: FrameTypeList;
  acceptsTools?: boolean;
  create(config: z.output<S>, ctx: NodeCreateContext): FrameProcessor;
}

export interface ToolNodeType<S extends z.ZodObject = z.ZodObject> extends NodeTypeBase<S> {
  kind: 'tool';
  create(config: z.output<S>, ctx: NodeCreateContext): Tool;
}

export type NodeType = ProcessorNodeType | ToolNodeType;

/** Helpers that keep a node type's `config` and `create` typed together. */
export function defineProcessorNode<S extends z.ZodObject>(
  def: Omit<ProcessorNodeType<S>, 'kind'>,
): ProcessorNodeType {
  return { kind: 'processor', ...def } as unknown as ProcessorNodeType;
}

export function defineToolNode<S extends z.ZodObject>(
  def: Omit<ToolNodeType<S>, 'kind'>,
): ToolNodeType {
  return { kind: 'tool', ...def } as unknown as ToolNodeType;
}

/** A processor with a tools handle implements this. */
export interface ToolHost {
  setTools(tools: Tool[]): void;
}

export function isToolHost(value: unknown): value is ToolHost {
  return typeof (value as ToolHost | null)?.setTools === 'function';
}

export {
  EndpointNotAllowedError,
  MissingCredentialError,
  NodeEnvironmentError,
} from './NodeEnvironmentError.ts';

/** A node as the registry needs it to resolve its environment. */
export interface NodeRef {
  id: string;
  type: string;
  config: Record<string, unknown>;
}

/** `/api/node-types` extra: the endpoints a type's credentials may go to on this server. */
export interface NodeEndpoints extends AllowedEndpoints {
  configKey: string;
}

/** The node types a server or program knows. Also the catalogue graphs are validated against. */
export class NodeRegistry implements NodeCatalogue {
  private readonly types = new Map<string, NodeType>();
  private readonly infoCache = new Map<string, NodeTypeInfo>();

  register(def: NodeType): this {
    if (this.types.has(def.type)) throw new Error(`node type '${def.type}' is already registered`);
    if (def.endpoint && !def.credentials?.length)
      throw new Error(
        `node type '${def.type}': an endpoint is declared for credentials, and it has none`,
      );
    // A live update reaches the running processor without a rebuild, so without the endpoint check.
    if (def.endpoint && (def.liveKeys ?? []).includes(def.endpoint.configKey)) {
      throw new Error(
        `node type '${def.type}': '${def.endpoint.configKey}' chooses where credentials go, so it cannot be a live key`,
      );
    }
    this.types.set(def.type, def);
    return this;
  }

  get(type: string): NodeType | undefined {
    return this.types.get(type);
  }

  list(): NodeTypeInfo[] {
    return [...this.types.keys()].map((type) => this.info(type)!);
  }

  info(type: string): NodeTypeInfo | undefined {
    const def = this.types.get(type);
    if (!def) return undefined;
    let info = this.infoCache.get(type);
    if (!info) {
      info = {
        type: def.type,
        category: def.category,
        title: def.title,
        description: def.description,
        kind: def.kind,
        configSchema: z.toJSONSchema(def.config, { io: 'input', unrepresentable: 'any' }) as Record<
          string,
          unknown
        >,
        consumes: def.kind === 'processor' ? def.consumes : [],
        produces: def.kind === 'processor' ? def.produces : [],
        credentials: def.credentials ?? [],
        liveKeys: def.liveKeys ?? [],
        acceptsTools: def.kind === 'processor' && def.acceptsTools === true,
        ...(def.latency ? { latency: def.latency } : {}),
      };
      this.infoCache.set(type, info);
    }
    return info;
  }

  validateConfig(
    type: string,
    config: unknown,
  ): { ok: true; value: Record<string, unknown> } | { ok: false; issues: ConfigIssue[] } {
    const def = this.types.get(type);
    if (!def) return { ok: false, issues: [{ path: [], message: `unknown node type '${type}'` }] };
    const result = def.config.safeParse(config ?? {});
    if (result.success) return { ok: true, value: result.data as Record<string, unknown> };
    return {
      ok: false,
      issues: result.error.issues.map((i) => ({ path: i.path, message: i.message })),
    };
  }

  /**
   * Everything a node takes from `env`, checked before it is built: its
   * credentials (MissingCredentialError) and, for a type that declares an
   * endpoint, that the graph sends them only where the server allows
   * (EndpointNotAllowedError). Every way a node gets built goes through here.
   */
  resolveEnvironment(node: NodeRef, env: Record<string, string | undefined>): NodeEnvironment {
    const credentials = this.resolveCredentials(node.id, node.type, env);
    const declaration = this.types.get(node.type)?.endpoint;
    if (!declaration) return { credentials };
    const endpoint = resolveEndpoint(
      {
        nodeId: node.id,
        variables: Object.keys(credentials),
        declaration,
        configured: node.config[declaration.configKey],
      },
      env,
    );
    return { credentials, endpoint };
  }

  /** The endpoints a type's credentials may go to under `env`; undefined for a type that declares none. */
  endpoints(type: string, env: Record<string, string | undefined>): NodeEndpoints | undefined {
    const declaration = this.types.get(type)?.endpoint;
    return (
      declaration && { configKey: declaration.configKey, ...allowedEndpoints(declaration, env) }
    );
  }

  /**
   * Reads a node's credentials from `env`, failing with the variable's name
   * when one is missing. Credentials only: before building a node, use
   * `resolveEnvironment`, which also checks where they would be sent.
   */
  resolveCredentials(
    nodeId: string,
    type: string,
    env: Record<string, string | undefined>,
  ): Record<string, string> {
    const out: Record<string, string> = {};
    for (const variable of this.types.get(type)?.credentials ?? []) {
      const value = env[variable];
      if (!value) throw new MissingCredentialError(nodeId, variable);
      out[variable] = value;
    }
    return out;
  }
}
