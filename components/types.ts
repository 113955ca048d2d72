/** Shapes of tRPC outputs as the browser receives them (inferred, never restated by hand). */
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "~/server/api/root";

type Outputs = inferRouterOutputs<AppRouter>;
export type DatasetDetail = Outputs["datasets"]["get"];
export type Annotator = DatasetDetail["annotators"][number];
export type BrowsedRecord = Outputs["records"]["list"]["records"][number];
