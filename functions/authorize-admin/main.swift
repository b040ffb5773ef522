import RaidHubFunctions

FunctionCatalog.authorizeAdmin.main()
