// The patient-critical scenarios (engine-scenarios.mjs) in Firefox ESR.
import { defineScenarios } from './engine-scenarios.mjs';

defineScenarios('firefox');
