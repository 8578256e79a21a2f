namespace Drover.Api.Client;

/// <summary>What a <see cref="Reflector{T}"/> lists and watches, and how it waits after failures.</summary>
public sealed record ReflectorOptions<T>
    where T : KubeObject
{
    /// <summary>Null: every namespace.</summary>
    public string? Namespace { get; init; }
    public string? LabelSelector { get; init; }
    public string? FieldSelector { get; init; }
    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(10);
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The backoff's jitter (seeded in tests); null: <see cref="Random.Shared"/>.</summary>
    public Random? Random { get; init; }

    /// <summary>Lists in place of the plain list (the agent starts checkpointed pods while its first list hangs); null: the plain list.</summary>
    public Func<CancellationToken, Task<ListPage<T>>>? List { get; init; }

    /// <summary>Waits out a backoff in place of a plain delay (the agent cuts it short once droverd answers again); null: a delay.</summary>
    public Func<TimeSpan, CancellationToken, Task>? Wait { get; init; }
}
