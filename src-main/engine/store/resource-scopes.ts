/**
 * Resources and instrumentation scopes, stored once by content and shared by spans, log records
 * and metric points. Only inside a write transaction: a new one is inserted.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { ResourceInfo, ScopeInfo } from '../../../src-shared/contract';

export function serviceNameOf(resource: ResourceInfo): string {
  const v = resource.attributes['service.name'];
  return typeof v === 'string' ? v : 'unknown_service';
}

export class ResourceScopes {
  // Keyed by object identity: decoders share one ResourceInfo/ScopeInfo across a request's items.
  private resourceIds = new WeakMap<ResourceInfo, number>();
  private scopeIds = new WeakMap<ScopeInfo, number>();
  private readonly stmts;

  constructor(db: BetterSqlite3.Database) {
    this.stmts = {
      findResource: db.prepare('SELECT id FROM resources WHERE fingerprint = ?').pluck(),
      insertResource: db.prepare(
        'INSERT INTO resources (fingerprint, service_name, attributes, dropped_attributes_count) VALUES (?, ?, ?, ?)',
      ),
      findScope: db.prepare('SELECT id FROM scopes WHERE fingerprint = ?').pluck(),
      insertScope: db.prepare(
        'INSERT INTO scopes (fingerprint, name, version, attributes, dropped_attributes_count) VALUES (?, ?, ?, ?, ?)',
      ),
    };
  }

  /** After the resources and scopes tables were emptied (Deletion.clearAll): their ids are gone. */
  forgetAll(): void {
    this.resourceIds = new WeakMap();
    this.scopeIds = new WeakMap();
  }

  resourceId(resource: ResourceInfo): number {
    const cached = this.resourceIds.get(resource);
    if (cached !== undefined) return cached;
    const fingerprint = JSON.stringify([resource.attributes, resource.droppedAttributesCount]);
    let id = this.stmts.findResource.get(fingerprint) as number | undefined;
    if (id === undefined) {
      id = Number(
        this.stmts.insertResource.run(fingerprint, serviceNameOf(resource), JSON.stringify(resource.attributes), resource.droppedAttributesCount)
          .lastInsertRowid,
      );
    }
    this.resourceIds.set(resource, id);
    return id;
  }

  scopeId(scope: ScopeInfo): number {
    const cached = this.scopeIds.get(scope);
    if (cached !== undefined) return cached;
    const fingerprint = JSON.stringify([scope.name, scope.version, scope.attributes, scope.droppedAttributesCount]);
    let id = this.stmts.findScope.get(fingerprint) as number | undefined;
    if (id === undefined) {
      id = Number(
        this.stmts.insertScope.run(fingerprint, scope.name, scope.version, JSON.stringify(scope.attributes), scope.droppedAttributesCount)
          .lastInsertRowid,
      );
    }
    this.scopeIds.set(scope, id);
    return id;
  }
}
