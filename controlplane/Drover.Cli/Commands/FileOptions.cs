using System.CommandLine;

namespace Drover.Cli.Commands;

/// <summary>`-f` and `-R`, shared by apply and delete.</summary>
internal static class FileOptions
{
    public static Option<string[]> Filename() => new("--filename", "-f")
    {
        Description = "File, directory (its *.yaml, *.yml, *.json) or - for stdin; repeatable",
        Arity = ArgumentArity.OneOrMore,
    };

    public static Option<bool> Recursive() => new("--recursive", "-R")
    {
        Description = "Process directories given with -f recursively",
    };
}
