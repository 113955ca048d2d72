"use client";
/** The tRPC client for React (TanStack Query integration): `const trpc = useTRPC()`. */
import { useState, type ReactNode } from "react";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { goToSignIn } from "~/components/auth/auth-requests";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "~/server/api/root";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

function signedOut(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { httpStatus?: number } | undefined)?.httpStatus === 401;
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: (failures, error) => failures < 1 && !signedOut(error) } },
        // A session that ended (expired, signed out elsewhere) sends the page to sign-in.
        queryCache: new QueryCache({ onError: (error) => signedOut(error) && goToSignIn() }),
        mutationCache: new MutationCache({ onError: (error) => signedOut(error) && goToSignIn() }),
      }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "/api/trpc" })] }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
