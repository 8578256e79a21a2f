using Drover.Api;

namespace Drover.Cli.Arguments;

/// <summary>One object named on the command line: its kind and name (the namespace comes from the session).</summary>
internal sealed record ResourceTarget(ResourceType Type, string Name)
{
    /// <summary>"deployment.apps/my-app", the form kubectl prints in its one-line results.</summary>
    public string Display => $"{Type.QualifiedName}/{Name}";

    /// <summary>`deployments.apps "my-app"`, the form kubectl uses in its error lines.</summary>
    public string Quoted => $"{ResourceKinds.PluralQualified(Type)} \"{Name}\"";
}
