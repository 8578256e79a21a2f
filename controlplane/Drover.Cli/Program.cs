using Drover.Cli;

return await CliApplication.RunAsync(args, CliContext.FromConsole()).ConfigureAwait(false);
