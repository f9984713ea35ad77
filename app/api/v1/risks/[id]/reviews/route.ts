import { riskReviewSchema } from "@/lib/domain/risks";
import { body, idParam, route } from "@/lib/http/route";
import { RISKS } from "@/lib/http/contracts";

type P = { id: string };
export const POST = route<P>(RISKS.review, async ({ req, app, params, actor }) =>
  app.risks.review(idParam(params.id, "risk"), await body(req, riskReviewSchema), actor),
);
