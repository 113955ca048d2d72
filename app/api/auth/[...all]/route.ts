// better-auth's endpoints (sign-in, sign-out, sessions, the admin plugin's own checks): server/auth/auth.ts.
import { toNextJsHandler } from "better-auth/next-js";
import { studioAuth } from "~/server/auth/auth";

const handler = (request: Request) => studioAuth().handler(request);

export const { GET, POST } = toNextJsHandler(handler);
