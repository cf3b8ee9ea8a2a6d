// Short names for the generated OpenAPI types (src/types/api.d.ts, `npm run gen:api`).
import type { components } from './api';

export type Schemas = components['schemas'];
export type Schema<K extends keyof Schemas> = Schemas[K];

export type Pagination = Schema<'Pagination'>;
export interface Page<T> {
  data: T[];
  pagination: Pagination;
}

export type UserDetail = Schema<'UserDetailOut'>;
export type User = Schema<'UserOut'>;
export type EmployeeHit = Schema<'EmployeeHit'>;
export type TokenPair = Schema<'TokenPair'>;
/** Two backend modules define AttachmentOut; the generator keeps both under their module paths. */
export type BoardAttachment = Schema<'portal__board__schemas__AttachmentOut'>;
export type ApprovalAttachment = Schema<'portal__approval__schemas__AttachmentOut'>;
