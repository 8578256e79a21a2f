namespace Drover.Api.Client;

public sealed record ListPage(IReadOnlyList<KubeObject> Items, string? ResourceVersion, string? Continue);

/// <summary>One page of a typed list (<see cref="DroverClient.ListAsync{T}"/>): the items, the list's revision, the next page's token.</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Items, string? ResourceVersion, string? Continue)
    where T : KubeObject;
