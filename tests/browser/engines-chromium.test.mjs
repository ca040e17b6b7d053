// The patient-critical scenarios (engine-scenarios.mjs) in Chromium.
import { defineScenarios } from './engine-scenarios.mjs';

defineScenarios('chromium');
