using System.Collections.Generic;

namespace Optimus.Runtime.CodeGen;

/// <summary>What the writer needs of one grain interface, as source text.</summary>
internal sealed class GrainInterfaceModel(string fullName, string className)
{
    /// <summary><c>global::Ns.IFoo</c>.</summary>
    public string FullName { get; } = fullName;

    /// <summary>The generated class, in <c>Optimus.Generated</c>.</summary>
    public string ClassName { get; } = className;

    /// <summary>The methods it declares, by slot.</summary>
    public List<GrainMethodModel> Methods { get; } = [];

    /// <summary>Every method its proxy implements: its own and those of the grain interfaces it extends.</summary>
    public List<GrainMethodModel> ProxyMethods { get; } = [];

    /// <summary>The grain interfaces it extends, all the way up.</summary>
    public List<string> Parents { get; } = [];
}

/// <summary>One grain method: where it is declared, its slot there, and its signature as source text.</summary>
internal sealed class GrainMethodModel(string declaringInterface, int slot, string name, string returnType, ReturnShape shape, string? resultType)
{
    public string DeclaringInterface { get; } = declaringInterface;

    public int Slot { get; } = slot;

    public string Name { get; } = name;

    /// <summary>With its nullable annotations, as the interface declares it.</summary>
    public string ReturnType { get; } = returnType;

    public ReturnShape Shape { get; } = shape;

    /// <summary>The T of <c>Task&lt;T&gt;</c> or <c>ValueTask&lt;T&gt;</c>, annotated; null when there is none.</summary>
    public string? ResultType { get; } = resultType;

    public List<GrainParameterModel> Parameters { get; } = [];
}

/// <summary>A parameter: its type as declared (annotated), as <c>typeof</c> and casts take it (plain), and its name.</summary>
internal sealed class GrainParameterModel(string type, string plainType, string name)
{
    public string Type { get; } = type;

    public string PlainType { get; } = plainType;

    public string Name { get; } = name;
}

/// <summary>The four shapes a grain method may return, named as the runtime's adapters for them are.</summary>
internal enum ReturnShape
{
    Task,
    TaskOf,
    ValueTask,
    ValueTaskOf,
}
