using System.CommandLine;

namespace Drover.Cli;

/// <summary>Options every command accepts (recursive, so `drover get pods -n x` and `drover -n x get pods` both work).</summary>
internal static class GlobalOptions
{
    public static Option<string?> Config { get; } = new("--config")
    {
        Description = "Client config file (default: $DROVER_CONFIG, else ~/.drover/config)",
        Recursive = true,
    };

    public static Option<string?> Namespace { get; } = new("--namespace", "-n")
    {
        Description = "Namespace (default: the config's context namespace)",
        Recursive = true,
    };
}
