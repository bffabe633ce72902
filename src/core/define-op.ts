/**
 * defineOp ties an operation name to the input and output types of the official SDK command of
 * the same name, so that a misspelt operation or a missing required output member fails `tsc`.
 *
 *   const defineOp = opDefiner<typeof import("@aws-sdk/client-ec2")>();
 *   export const describeVpcs = defineOp("DescribeVpcs", (input, ctx) => ({ Vpcs: [] }));
 *
 * The type parameter is the client package's module type; only its Command classes are used.
 */
import type { CommandImpl } from "@smithy/core/client";
import type { OperationContext } from "./context.js";

type CommandOf<M, N extends string> = M extends Record<`${N}Command`, abstract new (...args: never[]) => infer C> ? C : never;

export type OpNames<M> = {
  [K in keyof M]: K extends `${infer N}Command` ? (M[K] extends abstract new (...args: never[]) => unknown ? N : never) : never;
}[keyof M];

export type OpInput<M, N extends string> = CommandOf<M, N> extends CommandImpl<infer I, any, any, any, any> ? I : never;
export type OpOutput<M, N extends string> =
  CommandOf<M, N> extends CommandImpl<any, infer O, any, any, any> ? Omit<O, "$metadata"> : never;

export interface Operation<I = any, O = any> {
  readonly name: string;
  /** Whether the operation changes state: the gateway wraps it in one transaction either way. */
  readonly handler: (input: I, ctx: OperationContext) => O | Promise<O>;
}

export const opDefiner =
  <M>() =>
  <N extends OpNames<M> & string>(
    name: N,
    handler: (input: OpInput<M, N>, ctx: OperationContext) => OpOutput<M, N> | Promise<OpOutput<M, N>>,
  ): Operation<OpInput<M, N>, OpOutput<M, N>> => ({ name, handler });
