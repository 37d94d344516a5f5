"""The running simulation: the libsumo session, the World (ego dynamics pushed into SUMO, scenario
actors), background traffic, the scene read back every tick, and the world's throughput benchmark."""
