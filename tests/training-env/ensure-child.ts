/** A second process asking for the training environment (ensure.test.ts): prints the result as JSON. */
import { ensureTrainingEnvironment } from "../../server/training-env";

const [home, systemPython, trainerDir] = process.argv.slice(2);
ensureTrainingEnvironment({ home, systemPython, trainerDir, studioPython: "", onProgress: (p) => console.error(p.message) }).then(
  (environment) => console.log(JSON.stringify(environment)),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
