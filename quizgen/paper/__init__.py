"""Paper: practice sheets and instructor exam sets (forms, shuffling, manifests, the PDF files).

forms.py decides what goes on paper (parallel forms, option order, keys as printed); files.py
renders the PDFs and writes them. Rendering itself (views, templates, WeasyPrint) is in
quizgen.render.
"""
