"""The content users come for: AWS managed policies (bundled data, with every version of the
guide's ten) and the guide's examples as parameterised templates."""
