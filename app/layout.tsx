import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Providers } from "~/components/trpc";
import { UserMenu } from "~/components/auth/user-menu";
import "./globals.css";

export const metadata: Metadata = {
  title: "Feedback Studio",
  description: "Turn Argilla FeedbackDatasets into trained models",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <header className="border-b border-slate-200 bg-white">
            <nav aria-label="Main" className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-3">
              <Link href="/" className="font-semibold text-indigo-700">
                Feedback Studio
              </Link>
              <Link href="/" className="text-sm text-slate-600 hover:text-slate-900">
                Datasets
              </Link>
              <Link href="/jobs" className="text-sm text-slate-600 hover:text-slate-900">
                Jobs
              </Link>
              <UserMenu />
            </nav>
          </header>
          <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
