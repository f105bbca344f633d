import { Injectable } from '@nestjs/common';
import { Procedure, ProcedureCatalog, ProcedureCatalogError } from '../catalog';
import { CaseTrackingError } from '../cases/case-tracking-error';

/** The catalog as one-stop-shop systems read it: GET /procedures (filtered, paged) and GET /procedures/{code}. */
@Injectable()
export class ProceduresUseCase {
  constructor(private readonly catalog: ProcedureCatalog) {}

  list(query: URLSearchParams): { items: Procedure[]; total: number; next: string | null } {
    return translated(() => this.catalog.list(Object.fromEntries(query) as never));
  }

  get(code: string): Procedure {
    return translated(() => this.catalog.getOrThrow(code));
  }
}

/** The catalog's refusals answered as the service's own, with the field-by-field issues kept. */
export function translated<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof ProcedureCatalogError) {
      throw new CaseTrackingError(error.status, error.code, error.message, error.issues.length > 0 ? { problems: error.issues } : undefined);
    }
    throw error;
  }
}
