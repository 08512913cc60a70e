"""The participant portal: the hub ("My mentoring"), the "mine" pages, the home page and
the top navigation. The top layer beside `demo`: it reads every app below it."""
