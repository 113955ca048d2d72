-- Secrets the runners need (a Hugging Face token, OpenAI-compatible providers), encrypted with
-- AES-256-GCM under a key that is never in the database (STUDIO_SECRET_KEY or STUDIO_HOME/secret.key).
-- sealed is the 12-byte nonce, the 16-byte tag and the ciphertext: last4 is what the UI shows.
CREATE TABLE "studio_secret" (
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "base_url" TEXT,
    "sealed" BYTEA NOT NULL,
    "last4" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "studio_secret_pkey" PRIMARY KEY ("name"),
    CONSTRAINT "studio_secret_kind_check" CHECK ("kind" IN ('hf_token', 'provider'))
);
