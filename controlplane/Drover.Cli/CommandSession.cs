using System.CommandLine;
using Drover.Api;
using Drover.Api.Client;

namespace Drover.Cli;

/// <summary>The connection one command invocation works through: settings loaded, client open, namespace resolved.</summary>
internal sealed class CommandSession : IDisposable
{
    private CommandSession(DroverClient client, string ns, bool namespaceExplicit)
    {
        Client = client;
        Namespace = ns;
        NamespaceExplicit = namespaceExplicit;
    }

    public DroverClient Client { get; }
    public string Namespace { get; }
    /// <summary>True when -n was given: a manifest naming another namespace is then an error, as in kubectl.</summary>
    public bool NamespaceExplicit { get; }

    public static CommandSession Open(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var settings = ClientSettings.Load(ClientSettings.ResolvePath(parse.GetValue(GlobalOptions.Config)), parse.GetValue(GlobalOptions.Context));
        var explicitNamespace = parse.GetValue(GlobalOptions.Namespace);
        var ns = string.IsNullOrEmpty(explicitNamespace) ? settings.Namespace : explicitNamespace;
        return new CommandSession(new DroverClient(settings), ns, !string.IsNullOrEmpty(explicitNamespace));
    }

    /// <summary>The namespace for a request on <paramref name="type"/>: none for cluster-scoped kinds.</summary>
    public string? NamespaceFor(ResourceType type) => type.Namespaced ? Namespace : null;

    public void Dispose() => Client.Dispose();
}
