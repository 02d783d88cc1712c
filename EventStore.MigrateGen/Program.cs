using EventStore.MigrateGen;

return MigrateGenCommand.Run(args, Console.Out, Console.Error);
