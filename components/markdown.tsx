/** Markdown as Argilla shows it (fields with use_markdown, guidelines). No raw HTML: react-markdown escapes it. */
import ReactMarkdown from "react-markdown";
import { cx } from "./ui";

export function Markdown({ children, className }: { children: string; className?: string }) {
  return (
    <div className={cx("markdown break-words text-sm leading-relaxed", className)}>
      <ReactMarkdown>{children}</ReactMarkdown>
    </div>
  );
}
