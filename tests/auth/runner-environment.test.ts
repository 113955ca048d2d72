/**
 * What a Python child (training worker, predict process) inherits: an allow-list of the studio's
 * environment, never its keys, passwords or database URL.
 */
import { describe, expect, it } from "vitest";
import { inheritedEnvironment } from "../../server/training-runs/runner-environment";
import { trainCommand } from "../../server/training-runs/pins-build";

describe("a runner's inherited environment", () => {
  it("keeps what locates the system, proxies and devices, and drops the studio's secrets and anything unknown", () => {
    const inherited = inheritedEnvironment({
      PATH: "/usr/bin",
      HOME: "/home/studio",
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
      HTTPS_PROXY: "http://proxy:3128",
      CUDA_VISIBLE_DEVICES: "0",
      PYTORCH_CUDA_ALLOC_CONF: "expandable_segments:True",
      OMP_NUM_THREADS: "2",
      STUDIO_SECRET_KEY: "k",
      STUDIO_AUTH_SECRET: "a",
      STUDIO_ADMIN_PASSWORD: "p",
      DATABASE_URL: "postgresql://studio:pw@localhost/studio",
      PGPASSWORD: "pw",
      HF_TOKEN: "hf_from_the_shell",
      OPENAI_API_KEY: "sk-x",
      AWS_SECRET_ACCESS_KEY: "x",
      TORCH_SOME_TOKEN: "x",
      NODE_OPTIONS: "--inspect",
    } as unknown as NodeJS.ProcessEnv);
    expect(inherited).toEqual({
      PATH: "/usr/bin",
      HOME: "/home/studio",
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
      HTTPS_PROXY: "http://proxy:3128",
      CUDA_VISIBLE_DEVICES: "0",
      PYTORCH_CUDA_ALLOC_CONF: "expandable_segments:True",
      OMP_NUM_THREADS: "2",
    });
  });
});

describe("the reproducing command", () => {
  it("names the reward-modeling job a PPO job scores with", () => {
    const command = trainCommand({ dir: "/j", datasetName: "d", framework: "trl", model: "/m", options: {}, hasConfig: true, rewardModelJob: "00000000-0000-4000-8000-000000000001" });
    expect(command).toBe("studio train --dataset d --task /j/task.json --framework trl --model /m --config /j/config.json --reward-model 00000000-0000-4000-8000-000000000001");
  });
});
