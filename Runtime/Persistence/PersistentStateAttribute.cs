namespace Optimus.Runtime;

/// <summary>On a grain constructor parameter of type <see cref="IPersistentState{TState}"/>: which state and which storage.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string storageName = PersistentStateAttribute.DefaultStorage) : Attribute
{
    /// <summary>The name of the storage used when none is given.</summary>
    public const string DefaultStorage = "Default";

    /// <summary>The state's name; one grain may have several states.</summary>
    public string StateName { get; } = stateName;

    /// <summary>The name of the <see cref="IGrainStorage"/> it lives in.</summary>
    public string StorageName { get; } = storageName;
}
