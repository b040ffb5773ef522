import RaidHubBungie

BungieFunctionCatalog.authorizeBungie.main()
