// pushsim/react-native: a stand-in for the `react-native` module, backed by the simulator (grows in the client-shim issue).
export const Platform = { OS: 'ios' as 'ios' | 'android', select<T>(options: { ios?: T; android?: T; default?: T }): T | undefined { return options[this.OS] ?? options.default; } };
