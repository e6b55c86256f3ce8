import type { ColumnType, Value } from "../sql/ast";
import type { Row } from "./eval";

export interface ColumnMeta {
  name: string;
  type: ColumnType;
  precision: number;
  scale: number;
  nullable: boolean;
}

/** Anything a SELECT can read: a user table or a dictionary view. */
export interface Relation {
  readonly owner: string;
  readonly name: string;
  readonly columns: ColumnMeta[];
  rows(): Iterable<Row>;
  /** Rows whose `column` equals `value`, through an index; undefined when the column has none. */
  lookup?(column: string, value: Value): Iterable<Row> | undefined;
  /** rows() and lookup() hand out the stored row objects, so one row found twice is the same object. */
  stableRows?: boolean;
}
