// The patient-critical scenarios (engine-scenarios.mjs) in WebKit.
import { defineScenarios } from './engine-scenarios.mjs';

defineScenarios('webkit');
