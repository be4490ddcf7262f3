using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Optimus.Runtime.CodeGen;

/// <summary>
/// Reads a grain interface's symbol into a <see cref="GrainInterfaceModel"/>, or reports why the runtime could not call
/// it. Slots are the interface's methods in the order of their names and parameter types, so that a proxy in one
/// assembly and the code of the interface it extends, written in another, agree on them.
/// </summary>
internal static class GrainInterfaceReader
{
    private static readonly SymbolDisplayFormat Annotated = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    private static readonly SymbolDisplayFormat Plain = SymbolDisplayFormat.FullyQualifiedFormat;

    public static bool IsGrainInterface(INamedTypeSymbol type, INamedTypeSymbol addressable) =>
        type.TypeKind == TypeKind.Interface
        && (SymbolEqualityComparer.Default.Equals(type, addressable) || type.AllInterfaces.Contains(addressable, SymbolEqualityComparer.Default));

    /// <summary>Whether code outside the type, anywhere in its assembly and in any file, may name it.</summary>
    public static bool IsAccessible(INamedTypeSymbol type)
    {
        for (var outer = type; outer is not null; outer = outer.ContainingType)
        {
            if (outer.IsFileLocal || outer.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The model, or null with the reasons in <paramref name="diagnostics"/>.</summary>
    public static GrainInterfaceModel? Read(INamedTypeSymbol type, INamedTypeSymbol addressable, INamedTypeSymbol? oneWay, List<Diagnostic> diagnostics)
    {
        var location = type.Locations.FirstOrDefault();
        if (!IsAccessible(type))
        {
            diagnostics.Add(Diagnostic.Create(GrainDiagnostics.Inaccessible, location, type.ToDisplayString()));
        }

        for (var outer = type; outer is not null; outer = outer.ContainingType)
        {
            if (outer.IsGenericType)
            {
                diagnostics.Add(Diagnostic.Create(GrainDiagnostics.GenericInterface, location, outer.ToDisplayString()));
            }
        }

        var parents = new List<INamedTypeSymbol>();
        foreach (var parent in type.AllInterfaces)
        {
            if (IsGrainInterface(parent, addressable))
            {
                parents.Add(parent);
            }
            else
            {
                diagnostics.Add(Diagnostic.Create(GrainDiagnostics.NonGrainParent, location, type.ToDisplayString(), parent.ToDisplayString()));
            }
        }

        var model = new GrainInterfaceModel(type.ToDisplayString(Plain), ClassName(type));
        var valid = diagnostics.Count == 0;
        valid &= AddMethods(type, model.Methods, oneWay, location, diagnostics);
        foreach (var parent in parents)
        {
            model.Parents.Add(parent.ToDisplayString(Plain));

            // An interface of this compilation reports its own errors; one read from a reference, here.
            var report = parent.Locations.Any(l => l.IsInSource) ? new List<Diagnostic>() : diagnostics;
            valid &= AddMethods(parent, model.ProxyMethods, oneWay, location, report);
        }

        model.ProxyMethods.AddRange(model.Methods);
        return valid ? model : null;
    }

    private static bool AddMethods(INamedTypeSymbol type, List<GrainMethodModel> methods, INamedTypeSymbol? oneWay, Location? location, List<Diagnostic> diagnostics)
    {
        var declared = new List<IMethodSymbol>();
        var valid = true;
        foreach (var member in type.GetMembers())
        {
            if (member is INamedTypeSymbol || member is IMethodSymbol { MethodKind: not MethodKind.Ordinary } || (member.IsStatic && !member.IsAbstract))
            {
                continue;
            }

            // A static abstract member cannot be proxied; one that is not public is not seen from other assemblies,
            // whose proxies would number the interface's slots without it.
            if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public)
            {
                valid = Refuse(diagnostics, GrainDiagnostics.NotAnInstanceMethod, member, location, $"{type.Name}.{member.Name}");
                continue;
            }

            if (member is not IMethodSymbol method)
            {
                valid = Refuse(diagnostics, GrainDiagnostics.NotAMethod, member, location, type.ToDisplayString());
                continue;
            }

            valid &= Check(method, oneWay, location, diagnostics);
            declared.Add(method);
        }

        if (!valid)
        {
            return false;
        }

        var declaring = type.ToDisplayString(Plain);
        var slot = 0;
        foreach (var method in declared.OrderBy(SlotKey, StringComparer.Ordinal))
        {
            methods.Add(Describe(declaring, slot++, method));
        }

        return true;
    }

    private static bool Check(IMethodSymbol method, INamedTypeSymbol? oneWay, Location? location, List<Diagnostic> diagnostics)
    {
        var name = $"{method.ContainingType.Name}.{method.Name}";
        var valid = true;
        if (!method.IsAbstract)
        {
            valid = Refuse(diagnostics, GrainDiagnostics.MethodWithBody, method, location, name);
        }

        if (method.IsGenericMethod)
        {
            valid = Refuse(diagnostics, GrainDiagnostics.GenericMethod, method, location, name);
        }

        foreach (var parameter in method.Parameters.Where(p => p.RefKind != RefKind.None))
        {
            valid = Refuse(diagnostics, GrainDiagnostics.ByRefParameter, parameter, location, name, parameter.Name);
        }

        if (Shape(method.ReturnType) is not { } shape)
        {
            return Refuse(diagnostics, GrainDiagnostics.ReturnType, method, location, name, method.ReturnType.ToDisplayString());
        }

        if (shape is ReturnShape.TaskOf or ReturnShape.ValueTaskOf
            && method.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, oneWay)))
        {
            valid = Refuse(diagnostics, GrainDiagnostics.OneWayWithResult, method, location, name);
        }

        return valid;
    }

    private static GrainMethodModel Describe(string declaring, int slot, IMethodSymbol method)
    {
        var shape = Shape(method.ReturnType)!.Value;
        var result = shape is ReturnShape.TaskOf or ReturnShape.ValueTaskOf
            ? ((INamedTypeSymbol)method.ReturnType).TypeArguments[0].ToDisplayString(Annotated)
            : null;
        var model = new GrainMethodModel(declaring, slot, method.Name, method.ReturnType.ToDisplayString(Annotated), shape, result);
        foreach (var parameter in method.Parameters)
        {
            model.Parameters.Add(new GrainParameterModel(parameter.Type.ToDisplayString(Annotated), parameter.Type.ToDisplayString(Plain), parameter.Name));
        }

        return model;
    }

    private static ReturnShape? Shape(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol { ContainingNamespace: { } ns } named || ns.ToDisplayString() != "System.Threading.Tasks")
        {
            return null;
        }

        return (named.MetadataName, named.TypeArguments.Length) switch
        {
            ("Task", 0) => ReturnShape.Task,
            ("Task`1", 1) => ReturnShape.TaskOf,
            ("ValueTask", 0) => ReturnShape.ValueTask,
            ("ValueTask`1", 1) => ReturnShape.ValueTaskOf,
            _ => null,
        };
    }

    private static string SlotKey(IMethodSymbol method) =>
        $"{method.Name}({string.Join(",", method.Parameters.Select(p => p.Type.ToDisplayString(Plain)))})";

    private static string ClassName(INamedTypeSymbol type)
    {
        // "A_B.IX" and "A.B_IX" must not meet: an underscore of the name is doubled, a dot or plus becomes one.
        var name = type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat).Replace("_", "__");
        return new string([.. name.Select(c => char.IsLetterOrDigit(c) || c == '_' ? c : '_')]) + "_GrainCode";
    }

    // A member read from a reference has no place in this compilation's source: the error is put on what extends it.
    private static bool Refuse(List<Diagnostic> diagnostics, DiagnosticDescriptor rule, ISymbol at, Location? fallback, params object[] arguments)
    {
        diagnostics.Add(Diagnostic.Create(rule, at.Locations.FirstOrDefault(l => l.IsInSource) ?? fallback, arguments));
        return false;
    }
}
