namespace Drover.Api.Client;

public sealed record ListPage(IReadOnlyList<KubeObject> Items, string? ResourceVersion, string? Continue);
